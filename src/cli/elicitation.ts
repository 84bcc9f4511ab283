/**
 * How the CLI answers a server's request for input (MCP elicitation): on a terminal the
 * person is asked field by field; without one every request is declined (fail closed) with a
 * line on stderr saying so. URL mode shows the domain and asks first; the URL itself is shown
 * only after a yes, on the terminal, never in a log line.
 */
import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import { ElicitationBroker, type ElicitationAnswer, type ElicitationPort, type ElicitationRequest, type ElicitField, type FieldValue } from '../core/app/elicitation';
import { raceAbort } from '../core/policy/abort';
import type { Logger } from '../core/util/log';

/** Declines every request: there is nobody to ask. */
export function decliningElicitation(output: Writable): ElicitationPort {
  return {
    async elicit(request) {
      output.write(`${request.server} asked for input ("${request.message}"); declined: no terminal to ask on\n`);
      return { action: 'decline' };
    },
  };
}

/** Asks on a terminal; an empty answer to the first question, or end of input, declines. */
export function promptElicitation(input: Readable, output: Writable): ElicitationPort {
  return {
    async elicit(request, signal): Promise<ElicitationAnswer> {
      const rl = createInterface({ input, terminal: false });
      const lines = rl[Symbol.asyncIterator]();
      const ask = async (q: string): Promise<string | undefined> => {
        output.write(q);
        const next = await raceAbort(lines.next(), signal);
        return next.done ? undefined : String(next.value).trim();
      };
      try {
        output.write(`\n── ${request.server} asks for input ──\n${request.message}\n`);
        return request.mode === 'url' ? await askUrl(request, ask, output) : await askForm(request.fields, ask);
      } finally {
        rl.close();
      }
    },
  };
}

/** The CLI's broker: a prompt when stdin and stderr are terminals, a decline otherwise. */
export function cliElicitation(interactive: boolean, logger: Logger): ElicitationBroker {
  return new ElicitationBroker(interactive ? promptElicitation(process.stdin, process.stderr) : decliningElicitation(process.stderr), logger);
}

type Ask = (question: string) => Promise<string | undefined>;

async function askUrl(request: Extract<ElicitationRequest, { mode: 'url' }>, ask: Ask, output: Writable): Promise<ElicitationAnswer> {
  const choice = (await ask(`It wants you to open a page on ${request.domain}. Open it? [y]es / [n]o / [c]ancel: `))?.toLowerCase();
  if (choice === 'c' || choice === 'cancel') return { action: 'cancel' };
  if (choice !== 'y' && choice !== 'yes') return { action: 'decline' };
  output.write(`Open this address in your browser: ${request.url}\n`);
  return { action: 'accept' };
}

async function askForm(fields: readonly ElicitField[], ask: Ask): Promise<ElicitationAnswer> {
  const choice = (await ask('Answer? [y]es / [n]o (decline) / [c]ancel: '))?.toLowerCase();
  if (choice === 'c' || choice === 'cancel') return { action: 'cancel' };
  if (choice !== 'y' && choice !== 'yes') return { action: 'decline' };
  const content: Record<string, FieldValue> = {};
  for (const field of fields) {
    // Two tries per field; a required field still without a valid answer cancels.
    let value: FieldValue | undefined;
    for (let attempt = 0; attempt < 2 && value === undefined; attempt++) {
      const raw = await ask(question(field));
      if (raw === undefined) return { action: 'cancel' };
      if (raw === '') {
        value = field.default;
        if (value === undefined && !field.required) break;
        continue;
      }
      value = parse(field, raw);
    }
    if (value !== undefined) content[field.name] = value;
    else if (field.required) return { action: 'cancel' };
  }
  return { action: 'accept', content };
}

function question(field: ElicitField): string {
  const options = field.options ? ` (${field.options.map((o, i) => `${i + 1} ${o.title}`).join(', ')}${field.type === 'multi-enum' ? '; several: 1,3' : ''})` : '';
  const kind = field.type === 'boolean' ? ' [y/n]' : field.format ? ` [${field.format}]` : '';
  const fallback = field.default !== undefined ? ` [default ${Array.isArray(field.default) ? field.default.join(',') : String(field.default)}]` : '';
  return `${field.title}${field.required ? ' *' : ''}${field.description ? ` - ${field.description}` : ''}${options}${kind}${fallback}: `;
}

/** The typed value, or undefined when the text does not fit the field. */
export function parse(field: ElicitField, raw: string): FieldValue | undefined {
  switch (field.type) {
    case 'boolean':
      return /^(y|yes|true)$/i.test(raw) ? true : /^(n|no|false)$/i.test(raw) ? false : undefined;
    case 'number':
    case 'integer': {
      const n = Number(raw);
      if (!Number.isFinite(n) || (field.type === 'integer' && !Number.isInteger(n))) return undefined;
      if ((field.minimum !== undefined && n < field.minimum) || (field.maximum !== undefined && n > field.maximum)) return undefined;
      return n;
    }
    case 'enum':
      return pick(field, raw);
    case 'multi-enum': {
      const picked = raw.split(',').map((part) => pick(field, part.trim()));
      return picked.every((p): p is string => p !== undefined) ? picked : undefined;
    }
    default:
      return raw;
  }
}

/** A choice by its number or its value. */
function pick(field: ElicitField, raw: string): string | undefined {
  const options = field.options ?? [];
  const index = Number(raw);
  if (Number.isInteger(index) && index >= 1 && index <= options.length) return options[index - 1]!.value;
  return options.find((o) => o.value === raw || o.title === raw)?.value;
}
