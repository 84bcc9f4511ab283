/** What a view shows of a server setting: the command's and script's names, or the URL's origin; never a folder, a credential or another argument. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseServerConfig, summarizeServer } from '../../../src/core/mcp/config';
import { endpointFor } from '../../../src/core/mcp/endpoints';

describe('summarizeServer', () => {
  it('names a stdio command and its script without their folders or the other arguments', () => {
    const bundled = parseServerConfig({
      kind: 'stdio',
      command: '/opt/node-24/bin/node',
      args: ['/srv/ada/.vscode/extensions/x/dist/server.js', '--db', '/srv/ada/state/schedule.db'],
    });
    assert.equal(summarizeServer(bundled), 'stdio: node server.js');
    assert.equal(summarizeServer(parseServerConfig({ kind: 'stdio', command: 'C:\\Tools\\python.exe', args: ['C:\\srv\\mcp_server.py'] })), 'stdio: python.exe mcp_server.py');
    // A first argument that is an option (or not a file name) is left out: it may carry a token.
    assert.equal(summarizeServer(parseServerConfig({ kind: 'stdio', command: 'npx', args: ['-y', '@acme/scheduler'] })), 'stdio: npx');
    assert.equal(summarizeServer(parseServerConfig({ kind: 'stdio', command: 'scheduler', args: ['--token=s3cret.value'] })), 'stdio: scheduler');
  });

  it("gives an HTTP server's origin only: no credentials, path or query", () => {
    const http = parseServerConfig({ kind: 'http', url: 'https://ada:pa55word@scheduler.example.org:8443/mcp?key=abc123' });
    const summary = summarizeServer(http);
    assert.equal(summary, 'http: https://scheduler.example.org:8443');
    for (const secret of ['ada', 'pa55word', 'abc123', '/mcp']) assert.ok(!summary.includes(secret), `${secret} is not in "${summary}"`);
  });

  it("is the endpoint's summary, next to its full description", () => {
    const endpoint = endpointFor(parseServerConfig({ kind: 'stdio', command: '/usr/bin/node', args: ['/srv/dist/server.js'], cwd: '/srv' }));
    assert.equal(endpoint.summary, 'stdio: node server.js');
    assert.match(endpoint.description, /\/srv\/dist\/server\.js \(in \/srv\)/);
  });
});
