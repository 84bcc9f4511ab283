/**
 * The pictures, drawn as plain SVG and tables with DOM calls (no chart library: a few rects,
 * lines and texts each). Colours come from the theme's chart palette through CSS classes,
 * so light, dark and high-contrast themes all read well.
 */
import type { DraftDiff, HeatMap, PanelPictures, SpcChart, SwapPicture, UnifiedTop, UtilizationGauge } from '../../core/app/panelData';
import { el, icon, percent, section, svg } from './dom';

function shortWeek(week: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(week) ? week.slice(5) : week;
}

/** Heat class of a week's hours against the limit. */
export function heatClass(hours: number, limit: number): string {
  if (hours > limit) return 'heat-over';
  if (hours >= limit * 0.9) return 'heat-near';
  if (hours >= limit * 0.75) return 'heat-high';
  if (hours >= limit * 0.5) return 'heat-mid';
  return 'heat-low';
}

export function heatMapSvg(map: HeatMap): SVGSVGElement {
  const cell = { w: 64, h: 20 };
  const left = 64;
  const top = 22;
  const width = left + map.weeks.length * cell.w + 4;
  const height = top + map.rows.length * cell.h + 4;
  const root = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    width,
    class: 'heatmap',
    role: 'img',
    'aria-label': `Weekly hours of ${map.rows.length} resident(s) against ${map.limit} h`,
  });
  map.weeks.forEach((week, i) =>
    root.append(
      svg(
        'text',
        {
          x: left + i * cell.w + cell.w / 2,
          y: 14,
          'text-anchor': 'middle',
          class: 'axis',
        },
        shortWeek(week),
      ),
    ),
  );
  map.rows.forEach((row, r) => {
    const y = top + r * cell.h;
    root.append(svg('text', { x: left - 6, y: y + 14, 'text-anchor': 'end', class: 'axis' }, row.person));
    row.hours.forEach((hours, i) => {
      const x = left + i * cell.w;
      const rect = svg('rect', {
        x: x + 1,
        y: y + 1,
        width: cell.w - 2,
        height: cell.h - 2,
        rx: 2,
        class: `heat ${heatClass(hours, map.limit)}`,
      });
      rect.append(svg('title', {}, `${row.person}, week of ${map.weeks[i] ?? i + 1}: ${hours} h (limit ${map.limit} h)`));
      root.append(
        rect,
        svg(
          'text',
          {
            x: x + cell.w / 2,
            y: y + 14,
            'text-anchor': 'middle',
            class: `heat-text ${heatClass(hours, map.limit)}`,
          },
          String(Math.round(hours)),
        ),
      );
    });
  });
  return root;
}

export function spcSvg(chart: SpcChart): SVGSVGElement {
  const w = 300;
  const h = 150;
  const pad = { l: 34, r: 36, t: 20, b: 22 };
  const values = [...chart.hours, chart.centerline, ...chart.limits.flatMap((l) => [l.upper, l.lower])];
  const lo = Math.floor(Math.min(...values) - 2);
  const hi = Math.ceil(Math.max(...values) + 2);
  // The weeks sit inside the limit lines, so the first and last points clear the axis values and the line labels.
  const inset = { l: 8, r: 12 };
  const x = (i: number) => pad.l + inset.l + (chart.hours.length <= 1 ? 0 : (i / (chart.hours.length - 1)) * (w - pad.l - pad.r - inset.l - inset.r));
  const y = (v: number) => pad.t + ((hi - v) / (hi - lo)) * (h - pad.t - pad.b);
  const root = svg('svg', {
    viewBox: `0 0 ${w} ${h}`,
    class: 'spc',
    role: 'img',
    'aria-label': `Weekly hours of ${chart.person} with control limits`,
  });
  root.append(svg('text', { x: pad.l, y: 12, class: 'chart-title' }, `${chart.person}${chart.named ? ' (named in a finding)' : ''}`));
  const line = (v: number, cls: string, label: string) => {
    root.append(svg('line', { x1: pad.l, x2: w - pad.r, y1: y(v), y2: y(v), class: cls }), svg('text', { x: w - pad.r + 3, y: y(v) + 3, class: 'axis' }, label));
  };
  line(chart.centerline, 'cl', `CL ${chart.centerline}`);
  for (const band of chart.limits) {
    // Only the 3-sigma limits are labelled: the inner bands sit too close to read.
    line(band.upper, `limit sigma-${band.sigma}`, band.sigma === 3 ? 'UCL' : '');
    line(band.lower, `limit sigma-${band.sigma}`, band.sigma === 3 ? 'LCL' : '');
  }
  root.append(
    svg('text', { x: pad.l - 4, y: y(hi) + 8, 'text-anchor': 'end', class: 'axis' }, String(hi)),
    svg('text', { x: pad.l - 4, y: y(lo), 'text-anchor': 'end', class: 'axis' }, String(lo)),
  );
  root.append(
    svg('polyline', {
      points: chart.hours.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' '),
      class: 'series',
    }),
  );
  chart.hours.forEach((v, i) => {
    const flagged = chart.flagged.includes(i);
    const dot = svg('circle', {
      cx: x(i),
      cy: y(v),
      r: flagged ? 4.5 : 3,
      class: flagged ? 'point flagged' : 'point',
    });
    dot.append(svg('title', {}, `week of ${chart.weeks[i] ?? i + 1}: ${v} h${flagged ? ' (rule violation)' : ''}`));
    root.append(dot, svg('text', { x: x(i), y: h - 6, 'text-anchor': 'middle', class: 'axis' }, shortWeek(chart.weeks[i] ?? '')));
  });
  return root;
}

const UTILIZATION_CLASS: Readonly<Record<string, string>> = {
  green: 'level-green',
  yellow: 'level-yellow',
  orange: 'level-orange',
  red: 'level-red',
  black: 'level-black',
};

export function utilizationSvg(gauge: UtilizationGauge): HTMLElement {
  const w = 260;
  const scale = (v: number) => 10 + Math.max(0, Math.min(1, v)) * (w - 20);
  const root = svg('svg', {
    viewBox: `0 0 ${w} 46`,
    class: 'utilization',
    role: 'img',
    'aria-label': `Utilization ${percent(gauge.rate)}${gauge.level ? `, ${gauge.level}` : ''}`,
  });
  root.append(
    svg('rect', {
      x: 10,
      y: 10,
      width: w - 20,
      height: 14,
      rx: 3,
      class: 'track',
    }),
    svg('rect', {
      x: 10,
      y: 10,
      width: scale(gauge.rate) - 10,
      height: 14,
      rx: 3,
      class: `fill ${UTILIZATION_CLASS[gauge.level ?? ''] ?? 'level-none'}`,
    }),
    svg('line', {
      x1: scale(0.8),
      x2: scale(0.8),
      y1: 6,
      y2: 28,
      class: 'threshold',
    }),
    svg('text', { x: scale(0.8), y: 40, 'text-anchor': 'middle', class: 'axis' }, '80% threshold'),
  );
  return el(
    'figure',
    { cls: 'picture' },
    el('figcaption', {
      text: `Faculty utilization: ${percent(gauge.rate)}${gauge.level ? ` (${gauge.level.toUpperCase()})` : ''}`,
    }),
    root,
    gauge.message ? el('p', { cls: 'muted', text: gauge.message }) : null,
  );
}

export function unifiedList(top: UnifiedTop): HTMLElement {
  const rows = top.entries.map((e) =>
    el(
      'li',
      {},
      el('span', { cls: 'who', text: e.name ? `${e.name} (${e.id})` : e.id }),
      el(
        'span',
        {
          cls: 'meter',
          attrs: {
            role: 'meter',
            'aria-valuemin': '0',
            'aria-valuemax': '1',
            'aria-valuenow': e.score.toFixed(2),
            'aria-label': `${e.id} composite index`,
          },
        },
        barSvg(e.score),
      ),
      el('span', { cls: 'num', text: e.score.toFixed(2) }),
      el('span', { cls: 'muted', text: e.pattern?.replace(/_/g, ' ') ?? '' }),
    ),
  );
  const caption = `Unified critical index${top.overall !== null ? `: ${Math.round(top.overall * 10) / 10} / 100` : ''}${top.riskLevel ? ` (${top.riskLevel})` : ''}`;
  return el(
    'figure',
    { cls: 'picture' },
    el('figcaption', { text: caption }),
    rows.length > 0 ? el('ol', { cls: 'toplist' }, ...rows) : el('p', { cls: 'muted', text: 'No one listed.' }),
  );
}

function barSvg(value: number): SVGSVGElement {
  const root = svg('svg', {
    viewBox: '0 0 120 10',
    width: 120,
    height: 10,
    'aria-hidden': 'true',
  });
  root.append(
    svg('rect', { x: 0, y: 1, width: 120, height: 8, rx: 2, class: 'track' }),
    svg('rect', {
      x: 0,
      y: 1,
      width: Math.max(1, Math.min(1, value) * 120),
      height: 8,
      rx: 2,
      class: value >= 0.7 ? 'fill level-red' : value >= 0.4 ? 'fill level-orange' : 'fill level-green',
    }),
  );
  return root;
}

export function draftDiffTable(diff: DraftDiff): HTMLElement {
  const head = el('tr', {}, ...['Person', 'Hours before → after', 'Added', 'Removed'].map((h) => el('th', { text: h, attrs: { scope: 'col' } })));
  const rows = diff.people.map((p) => {
    const delta = p.hoursAfter - p.hoursBefore;
    return el(
      'tr',
      {},
      el('td', {
        cls: 'nowrap',
        text: p.name ? `${p.name} (${p.person})` : p.person,
      }),
      el(
        'td',
        { cls: 'nowrap num' },
        document.createTextNode(`${p.hoursBefore} → ${p.hoursAfter} h `),
        el('span', {
          cls: delta > 0 ? 'delta up' : delta < 0 ? 'delta down' : 'delta',
          text: delta === 0 ? '±0' : `${delta > 0 ? '+' : ''}${delta}`,
        }),
      ),
      el('td', {}, ...p.added.map((a) => el('div', { cls: 'added' }, icon('add'), document.createTextNode(` ${a}`)))),
      el('td', {}, ...p.removed.map((r) => el('div', { cls: 'removed' }, icon('remove'), document.createTextNode(` ${r}`)))),
    );
  });
  const caption = `Draft ${diff.draftId ?? ''}${diff.range ? ` (${diff.range})` : ''} against the published schedule: ${diff.added} added, ${diff.removed} removed`;
  return el(
    'figure',
    { cls: 'picture wide' },
    el('figcaption', { text: caption }),
    el('table', { cls: 'diff' }, el('thead', {}, head), el('tbody', {}, ...rows)),
    diff.more > 0 ? el('p', { cls: 'muted', text: `${diff.more} more people changed.` }) : null,
  );
}

export function swapCandidatesSvg(swap: SwapPicture): HTMLElement {
  const rowH = 22;
  const w = 420;
  const left = 150;
  const max = Math.max(1, ...swap.candidates.map((c) => c.matchScore));
  const root = svg('svg', {
    viewBox: `0 0 ${w} ${swap.candidates.length * rowH + 6}`,
    class: 'candidates',
    role: 'img',
    'aria-label': `${swap.candidates.length} swap candidate(s) by match score`,
  });
  swap.candidates.forEach((c, i) => {
    const y = i * rowH + 3;
    const width = (c.matchScore / max) * (w - left - 50);
    const bar = svg('rect', {
      x: left,
      y,
      width: Math.max(2, width),
      height: rowH - 6,
      rx: 2,
      class: c.chosen ? 'fill chosen' : 'fill',
    });
    bar.append(svg('title', {}, `${c.person}: match ${c.matchScore.toFixed(2)}${c.mutual ? ', helps both' : ''}${c.compliant === false ? ', not compliant' : ''}`));
    root.append(
      svg(
        'text',
        {
          x: left - 6,
          y: y + 12,
          'text-anchor': 'end',
          class: c.chosen ? 'axis chosen-label' : 'axis',
        },
        `${c.rank}. ${c.person}${c.chosen ? ' ✓ chosen' : ''}`,
      ),
      bar,
      svg('text', { x: left + width + 6, y: y + 12, class: 'axis' }, `${c.matchScore.toFixed(2)}${c.mutual ? ' ×1.5 mutual' : ''}${c.compliant === false ? ' ✗' : ''}`),
    );
  });
  const caption = `Swap candidates${swap.path ? ` (${swap.path} path)` : ''}${swap.reason ? `: ${swap.reason}` : ''}`;
  return el('figure', { cls: 'picture' }, el('figcaption', { text: caption }), swap.candidates.length > 0 ? root : el('p', { cls: 'muted', text: 'No candidates.' }));
}

/** Every picture the run has data for; a section saying so when it has none yet. */
export function renderPictures(pictures: PanelPictures): HTMLElement {
  const items: HTMLElement[] = [];
  if (pictures.heatMap)
    items.push(
      el(
        'figure',
        { cls: 'picture wide' },
        el('figcaption', {
          text: `Hours per resident and week (limit ${pictures.heatMap.limit} h)`,
        }),
        heatMapSvg(pictures.heatMap),
        legend(pictures.heatMap.limit),
      ),
    );
  if (pictures.spc.length > 0)
    items.push(
      el('figure', { cls: 'picture wide' }, el('figcaption', { text: 'Weekly hours with SPC control limits' }), el('div', { cls: 'spc-grid' }, ...pictures.spc.map(spcSvg))),
    );
  if (pictures.utilization) items.push(utilizationSvg(pictures.utilization));
  if (pictures.unified) items.push(unifiedList(pictures.unified));
  if (pictures.draftDiff) items.push(draftDiffTable(pictures.draftDiff));
  if (pictures.swap) items.push(swapCandidatesSvg(pictures.swap));
  return section(
    'pictures',
    'Pictures',
    items.length > 0
      ? el('div', { cls: 'pictures' }, ...items)
      : el('p', {
          cls: 'muted',
          text: 'No pictures yet: they appear as the steps that feed them finish.',
        }),
  );
}

function legend(limit: number): HTMLElement {
  const h = (share: number) => Math.round(limit * share);
  const entries: [string, string][] = [
    ['heat-low', `< ${h(0.5)} h`],
    ['heat-mid', `${h(0.5)}–${h(0.75)} h`],
    ['heat-high', `${h(0.75)}–${h(0.9)} h`],
    ['heat-near', `${h(0.9)}–${limit} h`],
    ['heat-over', `> ${limit} h`],
  ];
  return el('div', { cls: 'legend' }, ...entries.map(([cls, label]) => el('span', {}, el('span', { cls: `swatch ${cls}` }), document.createTextNode(` ${label}`))));
}
