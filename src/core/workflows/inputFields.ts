/** The input plan of each workflow: what a host asks for, in the order it asks. */
import { SCOPE_FIELDS, type InputField, type InputPlan } from './shared/inputPlan';

const TODAY: InputField = {
  key: 'today',
  title: 'Today',
  description: 'The date the run treats as today (for default ranges and "not in the past")',
  type: 'date',
  required: false,
  ask: false,
  default: 'today',
};

export const COMPLIANCE_PLAN: InputPlan = { fields: [...SCOPE_FIELDS, TODAY] };

export const RESILIENCE_PLAN: InputPlan = { fields: [...SCOPE_FIELDS, TODAY] };

export const GENERATION_PLAN: InputPlan = {
  fields: [
    ...SCOPE_FIELDS.map((f) => (f.key === 'start_date' ? { ...f, default: 'next_week_start' as const } : f.key === 'end_date' ? { ...f, default: 'next_week_end' as const } : f)),
    {
      key: 'algorithm',
      title: 'Algorithm',
      description: 'How the server builds the draft',
      type: 'enum',
      required: false,
      ask: true,
      choices: [
        { value: 'optimal', description: 'MIP solver: best equity and fewest changes, stops when it stops improving' },
        { value: 'greedy', description: 'Fast: most-constrained slot first, with repair' },
      ],
    },
    { key: 'time_limit_seconds', title: 'Time limit (s)', description: "The solver's time limit", type: 'integer', required: false, ask: false, min: 1, max: 300 },
    {
      key: 'tighten',
      title: 'Tighter constraints',
      description: 'Regenerate with tighter soft constraints (after a draft broke rules)',
      type: 'boolean',
      required: false,
      ask: false,
    },
    TODAY,
  ],
};

export const SWAP_PLAN: InputPlan = {
  fields: [
    { key: 'requester', title: 'Requester', description: 'The person who gives the shift away', type: 'string', required: true, ask: true, choicesFrom: 'people' },
    {
      key: 'assignment_id',
      title: 'Assignment',
      description: "One of the requester's upcoming assignments",
      type: 'string',
      required: true,
      ask: true,
      choicesFrom: 'requester_assignments',
    },
    { key: 'candidate', title: 'Preferred partner', description: 'A person to try first (optional)', type: 'string', required: false, ask: false, choicesFrom: 'people' },
    { key: 'reason', title: 'Reason', description: 'Why the swap is requested (kept with the request)', type: 'string', required: false, ask: true },
    { key: 'max_candidates', title: 'Candidates', description: 'How many candidates to rank', type: 'integer', required: false, ask: false, min: 1, max: 50 },
    TODAY,
  ],
};
