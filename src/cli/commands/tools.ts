/**
 * `sched-orch tools`: connects, lists the server's tools, and shows how each capability
 * the workflows need resolves on this server (or why it is unavailable).
 */
import { CAPABILITIES } from '../../core/mcp/capabilities';
import { McpToolInvoker } from '../../core/mcp/invoker';
import { argumentCoverage, describeArgCoverage } from '../../core/workflows/argCoverage';
import { ExitCode } from '../exitCodes';
import { connectFromOptions, SERVER_OPTIONS, SERVER_OPTIONS_HELP } from '../serverOptions';
import { formatTable, oneLine, type CliIo } from '../terminal';
import { parseCommandLine, UsageError } from '../usage';
import type { Command } from './command';

const USAGE = `Usage: sched-orch tools [server options]

Lists the server's tools and how each capability the workflows need resolves.

${SERVER_OPTIONS_HELP}`;

export const toolsCommand: Command = {
  name: 'tools',
  summary: 'list the server’s tools and how the workflows’ capabilities resolve',
  usage: USAGE,

  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandLine(argv, SERVER_OPTIONS);
    if (values.help) {
      io.out(`${USAGE}\n`);
      return ExitCode.Ok;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);

    const connection = await connectFromOptions(values, io);
    try {
      const invoker = new McpToolInvoker({ connection });
      const tools = connection.tools.map((t) => ({
        name: t.name,
        ...(t.title !== undefined ? { title: t.title } : {}),
        ...(t.description !== undefined ? { description: t.description } : {}),
        readOnly: t.annotations?.readOnlyHint === true,
      }));
      const capabilities = CAPABILITIES.map((c) => invoker.resolve(c.name));
      const args = argumentCoverage(
        (c) => invoker.resolve(c),
        (c) => invoker.argumentSchema(c),
      );
      const server = {
        name: connection.serverInfo?.name ?? 'unknown',
        version: connection.serverInfo?.version ?? 'unknown',
        transport: connection.transportKind ?? 'unknown',
        endpoint: connection.description,
        identity: connection.identity(),
      };

      if (values.json) {
        io.out(`${JSON.stringify({ server, tools, capabilities, arguments: args })}\n`);
        return ExitCode.Ok;
      }
      const available = capabilities.filter((c) => c.status === 'available').length;
      io.out(
        [
          `Server  ${server.name} ${server.version} over ${server.transport} (${server.endpoint})`,
          '',
          `Tools (${tools.length})`,
          formatTable(tools.map((t) => [t.name, t.readOnly ? 'read' : 'write', oneLine(t.description ?? t.title)])),
          '',
          `Capabilities the workflows need (${available} of ${capabilities.length} available)`,
          formatTable(
            capabilities.map((c) => (c.status === 'available' ? [c.capability, 'available', `${c.tool}${c.writes ? ' (writes)' : ''}`] : [c.capability, 'unavailable', c.reason])),
          ),
          '',
          'Planned arguments: derived by the workflows on this server, left to it, or to be given (--json lists every required one)',
          formatTable(
            args
              .map((c) => ({ ...c, args: c.args.filter((a) => a.status !== 'workflow') }))
              .flatMap((c) => c.args.map((a, i) => [i === 0 ? c.capability : '', describeArgCoverage(a)])),
          ),
          '',
        ].join('\n'),
      );
      return ExitCode.Ok;
    } finally {
      await connection.close();
    }
  },
};
