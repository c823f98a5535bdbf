using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace TickerService.Server.Widget;

/// <summary>
/// Serves <c>/ticker.js</c> from the copy the build compressed (brotli, else gzip) when the browser
/// takes it: best compression, and no CPU spent compressing per request.
/// </summary>
internal static class PrecompressedScript
{
    private static readonly (string Encoding, string Extension)[] Encodings = [("br", ".br"), ("gzip", ".gz")];

    public static IApplicationBuilder UsePrecompressed(this IApplicationBuilder app, string path, IFileProvider files) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.Path == path)
            {
                context.Response.Headers.Vary = HeaderNames.AcceptEncoding;
                var accepted = context.Request.GetTypedHeaders().AcceptEncoding;
                foreach (var (encoding, extension) in Encodings)
                {
                    var takes = accepted.Any(a => a.Value.Equals(encoding, StringComparison.OrdinalIgnoreCase) && (a.Quality ?? 1) > 0);
                    if (takes && files.GetFileInfo(path + extension).Exists)
                    {
                        context.Request.Path = path + extension;
                        context.Response.Headers.ContentEncoding = encoding;
                        break;
                    }
                }
            }
            await next(context);
        });

    /// <summary>Content types by the name under the compression suffix: ticker.js.br is JavaScript.</summary>
    public sealed class ContentTypes : IContentTypeProvider
    {
        private readonly FileExtensionContentTypeProvider _inner = new();

        public bool TryGetContentType(string subpath, out string contentType)
        {
            foreach (var (_, extension) in Encodings)
            {
                if (subpath.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
                {
                    subpath = subpath[..^extension.Length];
                    break;
                }
            }
            return _inner.TryGetContentType(subpath, out contentType!);
        }
    }
}
