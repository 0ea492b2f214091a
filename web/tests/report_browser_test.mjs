// Opens a report written by `cxm report` in Debian's headless Chromium (never a downloaded
// browser) and checks that it renders: every chart drawn as SVG, no console error, no page
// error, no request leaving the file. Keeps a full-page screenshot.
//
//   node tests/report_browser_test.mjs REPORT.html SCREENSHOT.png
import { launchChromium } from './browser.mjs';
import { pathToFileURL } from 'node:url';

const [reportPath, screenshotPath] = process.argv.slice(2);
if (!reportPath || !screenshotPath) {
  console.error('usage: node tests/report_browser_test.mjs REPORT.html SCREENSHOT.png');
  process.exit(2);
}

const failures = [];
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (message) => {
    if (message.type() === 'error') failures.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => failures.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) failures.push(`network request at view time: ${request.url()}`);
  });
  await page.goto(pathToFileURL(reportPath).href, { waitUntil: 'load' });
  try {
    await page.waitForSelector('body[data-charts-rendered]', { state: 'attached', timeout: 30000 });
  } catch (error) {
    failures.push(`the report never finished rendering: ${error.message.split('\n')[0]}`);
    for (const failure of failures) console.error(failure);
    await page.screenshot({ path: screenshotPath, fullPage: true });
    process.exit(1);
  }
  const state = await page.evaluate(() => {
    const charts = [...document.querySelectorAll('.chart')];
    return {
      expected: Number(document.body.dataset.chartsExpected),
      rendered: Number(document.body.dataset.chartsRendered),
      empty: charts.filter((chart) => !chart.querySelector('svg') || chart.querySelectorAll('svg path, svg rect, svg text').length < 5
                                      || !(Number(chart.dataset.points) > 0))
                   .map((chart) => chart.dataset.chart),
      sections: [...document.querySelectorAll('section')].map((section) => section.id),
      summary: document.querySelectorAll('#executive-summary li').length,
    };
  });
  const required = ['executive-summary', 'trends', 'emotion_heatmap', 'journey_flows', 'moments', 'drivers', 'loyalty',
                    'recovery_groups', 'delivery_gap', 'memory', 'quotes'];
  for (const id of required) {
    if (!state.sections.includes(id)) failures.push(`missing section #${id}`);
  }
  if (state.expected < 11) failures.push(`only ${state.expected} charts in the report`);
  if (state.rendered !== state.expected) failures.push(`${state.rendered} of ${state.expected} charts rendered`);
  if (state.empty.length > 0) failures.push(`charts without data drawn: ${state.empty.join(', ')}`);
  if (state.summary < 5) failures.push(`executive summary has ${state.summary} sentences`);
  await page.screenshot({ path: screenshotPath, fullPage: true });
  console.log(`report: ${state.rendered} charts rendered, ${state.sections.length} sections; screenshot ${screenshotPath}`);
} finally {
  await browser.close();
}
if (failures.length > 0) {
  for (const failure of failures) console.error(failure);
  process.exit(1);
}
