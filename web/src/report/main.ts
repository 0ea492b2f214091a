// Renders cxm's self-contained HTML report: the data is embedded by `cxm report` as JSON in
// <script id="cxm-data">, this bundle (with ECharts) is inlined after it. Every chart container
// gets data-rendered="true" once drawn, which the browser test checks.
import * as echarts from 'echarts/core';
import { BarChart, CustomChart, HeatmapChart, LineChart, SankeyChart, ScatterChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';

echarts.use([
  BarChart, CustomChart, HeatmapChart, LineChart, SankeyChart, ScatterChart, GridComponent, LegendComponent,
  MarkLineComponent, TitleComponent, TooltipComponent, VisualMapComponent, SVGRenderer,
]);

type Cell = string | number | null;
interface ColumnType {
  name: string;
  type: 'text' | 'integer' | 'number';
  unit: string;
  decimals: number;
}
interface Diagnostic {
  kind: string;
  message: string;
}
interface Finding {
  key: string;
  title: string;
  summary: string;
  columns: string[];
  column_types?: ColumnType[];
  rows: Record<string, Cell>[];
  diagnostics?: Diagnostic[];
  settings?: Record<string, Cell>;
}
interface ReportData {
  title: string;
  subtitle: string;
  executive_summary: string[];
  findings: Record<string, Finding>;
}

const palette = ['#2f6f9f', '#d9822b', '#3a9d5d', '#c23b3b', '#7e57c2', '#8d6e63', '#00897b', '#546e7a'];

// The one place text from the data becomes HTML: ECharts inserts a tooltip formatter's string
// as markup, so every formatter builds its text through this. Everything else reaches the page
// through textContent (element(), table()) or as SVG text drawn by ECharts.
function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function num(value: Cell): number {
  return typeof value === 'number' ? value : value === null || value === '' ? NaN : Number(value);
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

// A cell as the table shows it: numbers rounded to their column's decimals (the JSON carries
// them unrounded).
function formatCell(value: Cell | undefined, type: ColumnType | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' && type) return value.toFixed(type.type === 'integer' ? 0 : type.decimals);
  return String(value);
}

function table(finding: Finding, columns?: string[]): HTMLElement {
  const shown = columns ?? finding.columns;
  const types = new Map((finding.column_types ?? []).map((type) => [type.name, type]));
  const wrapper = element('div', undefined, 'table-wrapper');
  const tableNode = element('table');
  const head = tableNode.createTHead().insertRow();
  for (const column of shown) head.appendChild(element('th', column.replaceAll('_', ' ')));
  const body = tableNode.createTBody();
  for (const row of finding.rows) {
    const line = body.insertRow();
    for (const column of shown) {
      const value = row[column];
      const cell = line.insertCell();
      cell.textContent = formatCell(value, types.get(column));
      if (typeof value === 'number') cell.className = 'number';
    }
  }
  wrapper.appendChild(tableNode);
  return wrapper;
}

// What the data behind a finding lacks (diagnostics) and the settings it was computed with.
function notes(node: HTMLElement, finding: Finding): void {
  const diagnostics = finding.diagnostics ?? [];
  if (diagnostics.length > 0) {
    const list = element('ul', undefined, 'diagnostics');
    for (const diagnostic of diagnostics) list.appendChild(element('li', diagnostic.message));
    node.appendChild(list);
  }
  const settings = Object.entries(finding.settings ?? {});
  if (settings.length > 0) {
    node.appendChild(element('p', 'Settings: ' + settings.map(([name, value]) =>
      `${name.replaceAll('_', ' ')} ${value === null ? 'the store\'s end less the horizon' : String(value)}`).join(', '), 'settings'));
  }
}

// A section with a title, the finding's summary, an optional chart and its table.
const shownKeys = new Set<string>();
function section(parent: HTMLElement, finding: Finding | undefined, chart?: (node: HTMLElement, finding: Finding) => EChartsCoreOption,
                 columns?: string[], height = 360): void {
  if (!finding) return;
  shownKeys.add(finding.key);
  const node = element('section');
  node.id = finding.key;
  node.appendChild(element('h2', finding.title));
  node.appendChild(element('p', finding.summary, 'summary'));
  notes(node, finding);
  if (chart && finding.rows.length > 0) {
    const container = element('div', undefined, 'chart');
    container.style.height = `${height}px`;
    container.dataset.chart = finding.key;
    node.appendChild(container);
    parent.appendChild(node);
    draw(container, chart(container, finding));
  } else {
    parent.appendChild(node);
  }
  const details = element('details');
  details.appendChild(element('summary', 'Table'));
  details.appendChild(table(finding, columns));
  node.appendChild(details);
}

// A static report: no animation (a printed or captured page shows the final state), and charts
// follow the window's width.
const charts: echarts.ECharts[] = [];
function draw(container: HTMLElement, option: EChartsCoreOption): void {
  const instance = echarts.init(container, undefined, { renderer: 'svg' });
  instance.setOption({ animation: false, ...option });
  charts.push(instance);
  container.dataset.rendered = 'true';
  container.dataset.points = String(countPoints(option));
}

// Data points a chart draws (finite numbers, or entries with one): the browser test requires
// every chart to draw some, so a chart of only missing values cannot pass as rendered.
function countPoints(option: EChartsCoreOption): number {
  const series = (option as { series?: unknown[] }).series ?? [];
  let points = 0;
  for (const entry of series as { data?: unknown[]; links?: unknown[] }[]) {
    for (const item of entry.data ?? []) {
      const value = typeof item === 'object' && item !== null && !Array.isArray(item) ? (item as { value?: unknown }).value ?? 1 : item;
      const values = Array.isArray(value) ? value : [value];
      if (values.some((v) => typeof v === 'number' ? Number.isFinite(v) : typeof v === 'string')) points += 1;
    }
    points += (entry.links ?? []).length;
  }
  return points;
}
// One resize a frame, and none for a chart whose box has no size at that moment (a full-page
// capture resizes the window while it lays out): ECharts' view coordinate system (the Sankey's)
// inverts a singular matrix for an empty box and throws.
let resizePending = false;
window.addEventListener('resize', () => {
  if (resizePending) return;
  resizePending = true;
  requestAnimationFrame(() => {
    resizePending = false;
    for (const chart of charts) {
      const node = chart.getDom();
      if (node.clientWidth > 0 && node.clientHeight > 0) chart.resize();
    }
  });
});

// Vertical whiskers for [low, high] at each category (a custom series).
function whiskers(name: string, lows: number[], highs: number[], color: string, seriesIndexOffset = 0) {
  return {
    type: 'custom',
    name,
    z: 10,
    renderItem: (_params: unknown, api: any) => {
      const category = api.value(0);
      const low = api.coord([category, api.value(1)]);
      const high = api.coord([category, api.value(2)]);
      // While the chart is laid out again (a resize, a full-page capture) a point may have no
      // coordinates yet: draw nothing for it rather than throw.
      const size = api.size([1, 0]);
      if (!Array.isArray(low) || !Array.isArray(high) || !Array.isArray(size)) return null;
      const half = Math.max(3, (size[0] as number) * 0.08);
      const style = { stroke: color, lineWidth: 1.5 };
      return {
        type: 'group',
        children: [
          { type: 'line', shape: { x1: low[0], y1: low[1], x2: high[0], y2: high[1] }, style },
          { type: 'line', shape: { x1: low[0] - half, y1: low[1], x2: low[0] + half, y2: low[1] }, style },
          { type: 'line', shape: { x1: high[0] - half, y1: high[1], x2: high[0] + half, y2: high[1] }, style },
        ],
      };
    },
    encode: { x: 0, y: [1, 2] },
    data: lows.map((low, idx) => [idx + seriesIndexOffset, low, highs[idx]]),
    tooltip: { show: false },
  };
}

function trendChart(finding: Finding, metric: string, lowColumn: string, highColumn: string, label: string): EChartsCoreOption {
  const rows = finding.rows.filter((row) => Number.isFinite(num(row[metric])));
  const months = rows.map((row) => String(row.month));
  const low = rows.map((row) => num(row[lowColumn]));
  const high = rows.map((row) => num(row[highColumn]));
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 50, right: 20, top: 30, bottom: 40 },
    xAxis: { type: 'category', data: months },
    yAxis: { type: 'value', name: label, scale: true },
    series: [
      { name: 'CI low', type: 'line', data: low, lineStyle: { opacity: 0 }, stack: 'band', symbol: 'none' },
      { name: '95% CI', type: 'line', data: high.map((value, idx) => value - low[idx]), lineStyle: { opacity: 0 },
        areaStyle: { color: '#2f6f9f', opacity: 0.18 }, stack: 'band', symbol: 'none' },
      { name: label, type: 'line', data: rows.map((row) => num(row[metric])), color: palette[0] },
    ],
  };
}

function render(data: ReportData): void {
  document.title = data.title;
  const root = document.getElementById('report') ?? document.body;
  root.appendChild(element('h1', data.title));
  root.appendChild(element('p', data.subtitle, 'subtitle'));
  const summary = element('section');
  summary.id = 'executive-summary';
  summary.appendChild(element('h2', 'Executive summary'));
  const list = element('ul');
  for (const sentence of data.executive_summary) list.appendChild(element('li', sentence));
  summary.appendChild(list);
  root.appendChild(summary);

  const f = data.findings;
  const trend = f.trend;
  if (trend) {
    const node = element('section');
    node.id = 'trends';
    node.appendChild(element('h2', 'Trends with 95% confidence bands'));
    node.appendChild(element('p', trend.summary, 'summary'));
    notes(node, trend);
    const grid = element('div', undefined, 'trend-grid');
    node.appendChild(grid);
    root.appendChild(node);
    // All three containers first, so the grid has its final columns before a chart measures one.
    const metrics = [['nps', 'nps_low', 'nps_high', 'NPS'], ['csat_top2_pct', 'csat_top2_low', 'csat_top2_high', 'CSAT top-2 %'],
                     ['ces_mean', 'ces_low', 'ces_high', 'CES (1-7)']].map(([metric, low, high, label]) => {
      const container = element('div', undefined, 'chart');
      container.style.height = '260px';
      container.dataset.chart = `trend-${metric}`;
      grid.appendChild(container);
      return { container, metric, low, high, label };
    });
    for (const { container, metric, low, high, label } of metrics) draw(container, trendChart(trend, metric, low, high, label));
    const details = element('details');
    details.appendChild(element('summary', 'Table'));
    details.appendChild(table(trend));
    node.appendChild(details);
  }

  section(root, f.emotion_heatmap, (_node, finding) => {
    const touchpoints = [...new Set(finding.rows.map((row) => String(row.touchpoint)))];
    const emotions = [...new Set(finding.rows.map((row) => String(row.emotion)))];
    const cells = finding.rows.map((row) => [emotions.indexOf(String(row.emotion)), touchpoints.indexOf(String(row.touchpoint)),
                                             num(row.share_pct)]);
    return {
      tooltip: { position: 'top' },
      grid: { left: 90, right: 20, top: 10, bottom: 110 },
      xAxis: { type: 'category', data: emotions, axisLabel: { rotate: 60 } },
      yAxis: { type: 'category', data: touchpoints },
      visualMap: { min: 0, max: Math.max(...cells.map((cell) => cell[2])), calculable: true, orient: 'horizontal',
                   left: 'center', bottom: 0, inRange: { color: ['#f7fbff', '#2f6f9f'] } },
      series: [{ type: 'heatmap', data: cells, name: 'share of texts %' }],
    };
  }, undefined, 420);

  section(root, f.journey_flows, (_node, finding) => {
    const names = new Set<string>();
    for (const row of finding.rows) {
      names.add(String(row.source));
      names.add(String(row.target));
    }
    return {
      tooltip: { trigger: 'item' },
      series: [{
        type: 'sankey', emphasis: { focus: 'adjacency' }, nodeGap: 6, layoutIterations: 32,
        data: [...names].map((name) => ({ name, itemStyle: name === 'churn' ? { color: '#c23b3b' } : undefined })),
        links: finding.rows.map((row) => ({ source: String(row.source), target: String(row.target), value: num(row.customers) })),
        lineStyle: { color: 'gradient', opacity: 0.35 },
      }],
    };
  }, undefined, 520);
  section(root, f.journey_touchpoints);

  section(root, f.moments, (_node, moments) => {
    // Only the moments the data could weigh (the others have no estimate).
    const finding = { ...moments, rows: moments.rows.filter((row) => Number.isFinite(num(row.nps_change_coef))) };
    const names = finding.rows.map((row) => String(row.touchpoint));
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 60, right: 20, top: 40, bottom: 40 },
      xAxis: { type: 'category', data: names, axisLabel: { interval: 0, width: 150, overflow: 'break' } },
      yAxis: { type: 'value', name: 'NPS points per point remembered' },
      series: [
        { name: 'effect on next NPS answer', type: 'bar', data: finding.rows.map((row) => num(row.nps_change_coef)), color: palette[0] },
        whiskers('95% CI', finding.rows.map((row) => num(row.nps_change_low)), finding.rows.map((row) => num(row.nps_change_high)), '#333'),
      ],
    };
  });
  section(root, f.moments_models);

  section(root, f.drivers, (_node, finding) => {
    const weights = finding.rows.map((row) => num(row.relative_weight_pct));
    const performance = finding.rows.map((row) => num(row.performance));
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(values.length, 1);
    return {
      tooltip: {
        formatter: (params: any) => (Array.isArray(params.data)
          ? escapeHtml(`${params.data[2]}: importance ${params.data[0]}%, performance ${params.data[1]}`)
          : ''),
      },
      grid: { left: 60, right: 30, top: 20, bottom: 50 },
      xAxis: { type: 'value', name: 'importance (% of R²)', nameLocation: 'middle', nameGap: 28 },
      yAxis: { type: 'value', name: 'performance (0-100)', scale: true },
      series: [{
        type: 'scatter', symbolSize: 16, color: palette[1],
        data: finding.rows.map((row, idx) => [weights[idx], performance[idx], String(row.attribute)]),
        label: { show: true, formatter: (params: any) => (Array.isArray(params.data) ? String(params.data[2]) : ''),
                 position: 'right' },
        markLine: { silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#999' },
                    data: [{ xAxis: mean(weights) }, { yAxis: mean(performance) }] },
      }],
    };
  });

  section(root, f.loyalty, (_node, finding) => ({
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 70, right: 70, top: 40, bottom: 40 },
    xAxis: { type: 'category', data: finding.rows.map((row) => String(row.quadrant)) },
    yAxis: [{ type: 'value', name: 'customers' }, { type: 'value', name: 'revenue (SEK)' }],
    series: [
      { name: 'customers', type: 'bar', data: finding.rows.map((row) => num(row.customers)), color: palette[0] },
      { name: 'revenue (SEK)', type: 'bar', yAxisIndex: 1, data: finding.rows.map((row) => num(row.revenue_sek)), color: palette[2] },
    ],
  }));

  section(root, f.recovery_groups, (_node, finding) => ({
    tooltip: { trigger: 'axis' },
    grid: { left: 60, right: 20, top: 30, bottom: 40 },
    xAxis: { type: 'category', data: finding.rows.map((row) => String(row.group)) },
    yAxis: { type: 'value', name: 'churn within horizon %' },
    series: [
      { name: 'churn %', type: 'bar', data: finding.rows.map((row, idx) => ({ value: num(row.churn_pct), itemStyle: { color: palette[[2, 0, 3][idx] ?? 0] } })) },
      whiskers('95% CI', finding.rows.map((row) => num(row.churn_low)), finding.rows.map((row) => num(row.churn_high)), '#333'),
    ],
  }));
  section(root, f.recovery_justice);

  section(root, f.delivery_gap, (_node, finding) => ({
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 60, right: 20, top: 40, bottom: 40 },
    xAxis: { type: 'category', data: finding.rows.map((row) => String(row.touchpoint)) },
    yAxis: { type: 'value', name: 'CSAT top-2 %', max: 100 },
    series: [
      { name: 'the company believes', type: 'bar', data: finding.rows.map((row) => num(row.believed_csat_top2_pct)), color: palette[1] },
      { name: 'customers say', type: 'bar', data: finding.rows.map((row) => num(row.actual_csat_top2_pct)), color: palette[0] },
    ],
  }));

  section(root, f.memory, (_node, finding) => ({
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 60, right: 20, top: 40, bottom: 80 },
    xAxis: { type: 'category', data: finding.rows.map((row) => String(row.outcome)), axisLabel: { interval: 0, rotate: 15 } },
    yAxis: { type: 'value', name: 'r or AUC', scale: true },
    series: [
      { name: 'remembered (peak-end)', type: 'bar', data: finding.rows.map((row) => num(row.remembered)), color: palette[0] },
      { name: 'experienced (mean)', type: 'bar', data: finding.rows.map((row) => num(row.experienced)), color: palette[1] },
      { name: 'memory (decayed)', type: 'bar', data: finding.rows.map((row) => num(row.memory)), color: palette[2] },
    ],
  }));

  section(root, f.employees, (_node, finding) => ({
    tooltip: {},
    grid: { left: 140, right: 30, top: 10, bottom: 30 },
    yAxis: { type: 'category', data: finding.rows.map((row) => String(row[finding.columns[0]])), inverse: true },
    xAxis: { type: 'value', name: 'eNPS' },
    series: [{ type: 'bar', data: finding.rows.map((row) => num(row.enps)), itemStyle: { color: palette[0] } }],
  }), undefined, Math.max(200, 40 + 28 * (f.employees?.rows.length ?? 0)));
  section(root, f.quotes);
  // Any other finding (a new analysis without a chart yet, or a section the data could not
  // support): its summary, notes and table.
  for (const finding of Object.values(f)) {
    if (finding.key !== 'trend' && !shownKeys.has(finding.key)) section(root, finding);
  }
  document.body.dataset.chartsRendered = String(document.querySelectorAll('[data-rendered="true"]').length);
  document.body.dataset.chartsExpected = String(document.querySelectorAll('.chart').length);
}

const source = document.getElementById('cxm-data');
if (!source?.textContent) throw new Error('cxm report: no embedded data');
render(JSON.parse(source.textContent) as ReportData);
