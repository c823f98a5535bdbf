// A developer's Node program: subscribe to two symbols, print what arrives, one JSON line per event.
// The .NET test reads these lines and drives the feed between them.
import * as signalR from "@microsoft/signalr";
import readline from "node:readline";

const [url, protocolName] = process.argv.slice(2);
const print = (event, data) => console.log(JSON.stringify({ event, data }));

const builder = new signalR.HubConnectionBuilder()
  .withUrl(url, { transport: signalR.HttpTransportType.WebSockets })
  .configureLogging(signalR.LogLevel.Warning);
const connection = builder.build();

connection.on("quotes", quotes => print("quotes", quotes));
connection.on("session", session => print("session", session));

await connection.start();
print("instruments", await connection.invoke("GetInstruments"));
print("snapshot", await connection.invoke("Subscribe", ["XOM", "CVX"]));

try {
  await connection.invoke("Subscribe", ["FOO", "BAR"]);
  print("error", "none");
} catch (error) {
  print("error", error.message);
}
print("ready", connection.connectionId !== null);

// The test writes "stop" on stdin when it has seen enough.
const input = readline.createInterface({ input: process.stdin });
for await (const line of input) {
  if (line.trim() === "stop") {
    break;
  }
}
input.close();
process.stdin.destroy();
await connection.stop();
print("stopped", true);
