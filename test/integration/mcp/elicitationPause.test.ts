/**
 * Over real stdio (server-everything): a tool that asks the person a question, answered
 * more slowly than the call's time limits allow. The call's clocks stand still while the
 * question is open, so the call completes, and the answer time is not the tool's latency.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { McpConnection } from '../../../src/core/mcp/connection';
import { McpToolInvoker } from '../../../src/core/mcp/invoker';
import { PolicyRuntime } from '../../../src/core/policy/runtime';
import { everythingServerConfig } from '../../support/mcp/everything';

const ANSWER_MS = 1500;

describe('a slow human answer does not time the call out (stdio)', () => {
  it('completes a call whose question was answered after its timeout and total cap, and leaves the answer time out of its duration', async () => {
    let answered = 0;
    const connection = new McpConnection({
      server: everythingServerConfig(),
      reconnect: false,
      closeGraceMs: 200,
      elicitation: async (): Promise<ElicitResult> => {
        await new Promise((resolve) => setTimeout(resolve, ANSWER_MS));
        answered++;
        return { action: 'decline' };
      },
    });
    try {
      await connection.connect();
      const runtime = await PolicyRuntime.create({ invoker: new McpToolInvoker({ connection }) });
      const base = runtime.policies.get('trigger-elicitation-request');
      const policy = { ...base, timeoutMs: 400, maxTotalTimeoutMs: 800, retry: { ...base.retry, maxRetries: 0 } };
      const started = Date.now();
      const result = await runtime.call({ capability: 'trigger-elicitation-request', args: {}, writes: false, policy, cacheMode: 'off', signal: new AbortController().signal });
      const elapsed = Date.now() - started;
      assert.ok(result.ok, `the call completed (${result.ok ? '' : result.error.message})`);
      assert.equal(answered, 1);
      assert.equal(result.attempts, 1, 'no attempt timed out');
      assert.ok(elapsed >= ANSWER_MS, 'the call outlasted its limits because a person was answering');
      assert.ok(result.durationMs <= elapsed - ANSWER_MS, `the answer time is left out (${result.durationMs} ms of ${elapsed} ms)`);
      assert.ok((runtime.healthOf('trigger-elicitation-request').p50Ms ?? Infinity) <= elapsed - ANSWER_MS, 'and out of the latency health sees');
    } finally {
      await connection.close();
    }
  });
});
