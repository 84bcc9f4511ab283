/** `.vscode/mcp.json` entries as the extension offers them. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readMcpJson, stripJsonComments } from '../../../src/core/app/mcpJson';

const FILE = `{
  // servers of this workspace
  "inputs": [{ "type": "promptString", "id": "key", "password": true }],
  "servers": {
    "local": { "type": "stdio", "command": "node", "args": ["\${workspaceFolder}/server.js", "--db", "\${env:DB_FILE}"], "env": { "HOME_DIR": "\${env:HOME_DIR}" } },
    "remote": { "type": "http", "url": "https://sched.example.org/mcp", "headers": { "X-Team": "icu" } },
    "prompted": { "type": "http", "url": "https://x.example.org/mcp", "headers": { "Authorization": "Bearer \${input:key}" } },
    "unset": { "command": "node", "args": ["\${env:NOT_SET}"] },
    "docker": { "type": "docker", "image": "x" },
  },
}`;

describe('readMcpJson', () => {
  const servers = readMcpJson(FILE, { DB_FILE: '/data/s.db', HOME_DIR: '/srv/u' }, '/ws');
  const byName = new Map(servers.map((s) => [s.name, s]));

  it('reads stdio entries with ${env:...} and ${workspaceFolder} replaced', () => {
    const local = byName.get('local');
    assert.equal(local?.status, 'usable');
    assert.deepEqual(local.status === 'usable' ? local.config : undefined, {
      kind: 'stdio',
      command: 'node',
      args: ['/ws/server.js', '--db', '/data/s.db'],
      env: { HOME_DIR: '/srv/u' },
    });
  });

  it('reads http entries and summarises them without headers', () => {
    const remote = byName.get('remote');
    assert.equal(remote?.status === 'usable' && remote.summary, 'http: https://sched.example.org');
    assert.equal(remote?.status === 'usable' && remote.config.kind === 'http' && remote.config.headers['X-Team'], 'icu');
  });

  it('refuses ${input:...}, unset variables and unknown types, saying why', () => {
    const reason = (name: string) => {
      const s = byName.get(name);
      return s?.status === 'refused' ? s.reason : '';
    };
    assert.match(reason('prompted'), /\$\{input:key\} asks VS Code for a value/);
    assert.match(reason('unset'), /NOT_SET is not set/);
    assert.match(reason('docker'), /type "docker" is not supported/);
  });

  it('rejects a file without servers or with broken JSON', () => {
    assert.throws(() => readMcpJson('{"mcp": {}}', {}), /no "servers" object/);
    assert.throws(() => readMcpJson('{"servers": ', {}), /not valid JSON/);
  });

  it('keeps comment-like text inside strings', () => {
    assert.equal(stripJsonComments('{"u": "http://a/b", /* c */ "v": [1,],}'), '{"u": "http://a/b",  "v": [1]}');
  });
});
