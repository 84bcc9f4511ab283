import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { OrchestratorError } from '../../../src/core/errors';
import { isTransportRefusal, toOrchestratorError } from '../../../src/core/mcp/errorMapping';

const context = { action: 'calling validate_schedule_tool', tool: 'validate_schedule_tool', secrets: ['s3cret-key-123'], authHint: 'check the API key in environment variable K' };

describe('toOrchestratorError', () => {
  const cases: [string, unknown, string, RegExp][] = [
    ['request timeout', new McpError(ErrorCode.RequestTimeout, 'Request timed out', { timeout: 150 }), 'timeout', /no response or progress within 150 ms/],
    ['total timeout', new McpError(ErrorCode.RequestTimeout, 'x', { maxTotalTimeout: 900, totalElapsed: 910 }), 'timeout', /total time limit of 900 ms/],
    ['closed connection', new McpError(ErrorCode.ConnectionClosed, 'Connection closed'), 'connection', /the connection closed/],
    ['invalid params', new McpError(ErrorCode.InvalidParams, 'start_date: Required'), 'validation', /rejected the arguments/],
    ['other JSON-RPC error', new McpError(ErrorCode.MethodNotFound, 'Method not found'), 'protocol', /Method not found/],
    [
      'HTTP 401',
      new StreamableHTTPError(401, 'Error POSTing to endpoint: Unauthorized'),
      'auth',
      /authentication failed \(HTTP 401\): Unauthorized; check the API key in environment variable K/,
    ],
    ['HTTP 403', new StreamableHTTPError(403, 'Forbidden'), 'auth', /HTTP 403/],
    ['HTTP 429', new StreamableHTTPError(429, 'Too Many Requests'), 'rate_limited', /HTTP 429/],
    ['HTTP 503', new StreamableHTTPError(503, 'Unavailable'), 'server_error', /HTTP 503/],
    ['HTTP 400', new StreamableHTTPError(400, 'Bad Request'), 'protocol', /HTTP 400/],
    ['SSE POST 401', new Error('Error POSTing to endpoint (HTTP 401): nope'), 'auth', /HTTP 401/],
    [
      'refused socket',
      new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) }),
      'connection',
      /ECONNREFUSED/,
    ],
    ['missing command', Object.assign(new Error('spawn nope ENOENT'), { code: 'ENOENT' }), 'connection', /ENOENT/],
  ];
  for (const [name, error, kind, message] of cases) {
    it(`maps ${name} to ${kind}`, () => {
      const mapped = toOrchestratorError(error, context);
      assert.equal(mapped.kind, kind);
      assert.match(mapped.message, /^calling validate_schedule_tool failed: /);
      assert.match(mapped.message, message);
      assert.equal(mapped.tool, 'validate_schedule_tool');
    });
  }

  it('records the HTTP status and merges caller details', () => {
    const mapped = toOrchestratorError(new StreamableHTTPError(502, 'Bad Gateway'), { ...context, details: { requestSent: true } });
    assert.deepEqual(mapped.details, { requestSent: true, httpStatus: 502 });
    assert.ok(mapped.transient);
  });

  it('redacts secrets from the message and drops a cause that carries one', () => {
    const leaky = new StreamableHTTPError(500, 'echoing Authorization: Bearer s3cret-key-123');
    const mapped = toOrchestratorError(leaky, { ...context, detail: 'server said s3cret-key-123' });
    assert.doesNotMatch(mapped.message, /s3cret-key-123/);
    assert.match(mapped.message, /\*\*\*/);
    assert.equal(mapped.cause, undefined);
    const clean = toOrchestratorError(new StreamableHTTPError(500, 'boom'), context);
    assert.ok(clean.cause instanceof StreamableHTTPError);
  });

  it('passes an OrchestratorError through unchanged', () => {
    const original = new OrchestratorError('cancelled', 'stop');
    assert.equal(toOrchestratorError(original, context), original);
  });

  it('only treats 400/404/405 as a refusal of Streamable HTTP', () => {
    assert.ok(isTransportRefusal(new StreamableHTTPError(405, 'Method Not Allowed')));
    assert.ok(isTransportRefusal(new StreamableHTTPError(404, 'Not Found')));
    assert.ok(!isTransportRefusal(new StreamableHTTPError(401, 'Unauthorized')));
    assert.ok(!isTransportRefusal(new SseError(500, 'x', { type: 'error' } as never)));
    assert.ok(!isTransportRefusal(new Error('fetch failed')));
  });
});
