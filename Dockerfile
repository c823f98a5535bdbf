# TickerService: the widget bundled by Node, the service published by the .NET SDK, run on the
# ASP.NET Core runtime image as a non-root user. Build: docker build -t tickerservice .
# (deploy/prove-image.sh builds and runs this same file with buildah and podman.)

# 1. The widget: one script, /ticker.js, with the SignalR client bundled in.
FROM node:20-bookworm-slim AS widget
WORKDIR /src/wwwroot
COPY wwwroot/package.json wwwroot/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY wwwroot/build.mjs ./
COPY wwwroot/src/ src/
RUN node build.mjs /widget/ticker.js

# 2. The service: restore with only the project files first, so the packages are a cached layer.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ./
COPY src/TickerService.Core/TickerService.Core.csproj src/TickerService.Core/
COPY src/TickerService.Server/TickerService.Server.csproj src/TickerService.Server/
RUN dotnet restore src/TickerService.Server/TickerService.Server.csproj
COPY src/ src/
COPY wwwroot/ wwwroot/
COPY --from=widget /widget/ /widget/
RUN dotnet publish src/TickerService.Server/TickerService.Server.csproj -c Release -o /app --no-restore \
      -p:WidgetPrebuiltDirectory=/widget/

# 3. The runtime: no SDK, no Node, not root.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
RUN mkdir -p /data && chown "$APP_UID" /data
USER $APP_UID
# A tick's fan-out writes into every connection's SignalR pipe before their send loops give the
# blocks back; with the shared array pool's default depth most of those rents allocate (about
# 7 KB a message, docs/benchmarks.md, fan-out (d)). A deeper pool keeps them: half the memory per
# connection at 1,000 clients, the same CPU.
ENV ASPNETCORE_HTTP_PORTS=8080 \
    Ticker__Recording__Path=/data/ticker.db \
    DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION=4096
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["dotnet", "TickerService.Server.dll"]
