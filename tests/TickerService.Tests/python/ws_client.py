"""The README's /ws client, as a test runs it: subscribe, print the snapshot's and the first
quotes frame's symbols and sequences as JSON lines, then leave. Needs python3-websockets."""
import asyncio
import json
import sys

import websockets


async def main(url, symbols):
    async with websockets.connect(url) as ws:
        await ws.send(json.dumps({"op": "subscribe", "symbols": symbols}))
        seen = 0
        async for frame in ws:
            message = json.loads(frame)
            if message["type"] in ("snapshot", "quotes"):
                print(json.dumps({"type": message["type"],
                                  "quotes": [[q["symbol"], q["sequence"]] for q in message["quotes"]]}), flush=True)
                seen += 1
                if seen == 2:
                    return


asyncio.run(main(sys.argv[1], sys.argv[2].split(",")))
