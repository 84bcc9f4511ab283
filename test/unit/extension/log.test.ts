/** The VS Code channel logger takes the levels the channel shows, so hot paths skip the rest. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as vscode from 'vscode';
import { channelLogger } from '../../../src/extension/log';
import { LOG_LEVELS, logs } from '../../../src/core/util/log';

function channelAt(logLevel: number): { channel: vscode.LogOutputChannel; lines: string[] } {
  const lines: string[] = [];
  const write = (line: string) => lines.push(line);
  const channel = { logLevel, trace: write, debug: write, info: write, warn: write, error: write };
  return { channel: channel as unknown as vscode.LogOutputChannel, lines };
}

describe('channelLogger', () => {
  it('takes the channel level and above; none when the channel is off', () => {
    const takes = (logLevel: number) => LOG_LEVELS.map((level) => logs(channelLogger(channelAt(logLevel).channel), level));
    assert.deepEqual(takes(1), [true, true, true, true, true]);
    assert.deepEqual(takes(3), [false, false, true, true, true]);
    assert.deepEqual(takes(0), [false, false, false, false, false]);
  });

  it('writes a line with its fields at its level', () => {
    const { channel, lines } = channelAt(1);
    channelLogger(channel).log('info', 'connected', { tools: 42 });
    assert.deepEqual(lines, ['connected {"tools":42}']);
  });
});
