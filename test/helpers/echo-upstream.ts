import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What an upstream service received: its headers as Node parsed them, and the raw list with every spelling. */
export interface Echoed {
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawHeaders: string[];
}

export interface EchoUpstream {
  readonly url: string;
  /** Every request received, oldest first. */
  readonly received: Echoed[];
  close(): Promise<void>;
}

/** A service behind a proxy that answers 200 with the request it got, as JSON. */
export async function startEchoUpstream(): Promise<EchoUpstream> {
  const received: Echoed[] = [];
  const server = http.createServer((req, res) => {
    const echoed = { url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders };
    received.push(echoed);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(echoed));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** True when any spelling of `name` (case, `_` for `-`) is among the raw header names. */
export function hasAnySpelling(rawHeaders: readonly string[], name: string): boolean {
  const canonical = name.toLowerCase().replace(/_/g, '-');
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase().replace(/_/g, '-') === canonical) return true;
  return false;
}
