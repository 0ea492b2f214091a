// Opens a report built from a company whose every text field holds a script payload
// (tests/hostile_company.mjs) in Debian's headless Chromium, moves the mouse over every chart so
// that each tooltip is drawn, and checks that no payload ran, that no element a payload carries
// exists, and that the payloads still show as literal text in the tables and tooltips.
//
//   node tests/report_xss_test.mjs REPORT.html SCREENSHOT.png
import { launchChromium } from './browser.mjs';
import { pathToFileURL } from 'node:url';

const [reportPath, screenshotPath] = process.argv.slice(2);
if (!reportPath || !screenshotPath) {
  console.error('usage: node tests/report_xss_test.mjs REPORT.html SCREENSHOT.png');
  process.exit(2);
}

const failures = [];
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (error) => failures.push(`page error: ${error.message}`));
  await page.goto(pathToFileURL(reportPath).href, { waitUntil: 'load' });
  await page.waitForSelector('body[data-charts-rendered]', { state: 'attached', timeout: 30000 });

  // Every chart, hovered over its drawn marks (bars, points, cells, links) and a grid between
  // them: each tooltip formatter runs on data that holds a payload.
  const charts = await page.$$('.chart');
  let tooltipsWithPayload = 0;
  for (const chart of charts) {
    await chart.scrollIntoViewIfNeeded();
    const box = await chart.boundingBox();
    if (!box) continue;
    const marks = await chart.evaluate((node) => {
      const shapes = [...node.querySelectorAll('svg path, svg rect')].map((shape) => shape.getBoundingClientRect())
        .filter((rect) => rect.width > 0 && rect.height > 0 && rect.width < 600);
      const step = Math.max(1, Math.floor(shapes.length / 60));
      return shapes.filter((_, idx) => idx % step === 0)
        .map((rect) => ({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 }));
    });
    for (let row = 1; row <= 4; row += 1) {
      for (let column = 1; column <= 8; column += 1) {
        marks.push({ x: box.x + (box.width * column) / 9, y: box.y + (box.height * row) / 5 });
      }
    }
    for (const mark of marks) {
      await page.mouse.move(mark.x, mark.y);
      const shown = await chart.evaluate((node) => [...node.querySelectorAll('div')]
        .some((div) => div.style.display !== 'none' && (div.textContent ?? '').includes('<img src=x')));
      if (shown) tooltipsWithPayload += 1;
    }
  }
  const state = await page.evaluate(() => ({
    ran: window.__cxmXss ?? 0,
    injected: document.querySelectorAll('img, iframe, svg[onload], [onerror], [onload]').length,
    scripts: document.querySelectorAll('script').length,
    literal: [...document.querySelectorAll('td, li, p, h1')].filter((node) => (node.textContent ?? '').includes('<img src=x')).length,
    rendered: Number(document.body.dataset.chartsRendered),
  }));
  if (state.ran !== 0) failures.push(`a payload ran ${state.ran} times`);
  if (state.injected !== 0) failures.push(`${state.injected} elements from payloads are in the page`);
  if (state.scripts !== 2) failures.push(`${state.scripts} script elements (the data and the renderer expected)`);
  if (state.literal === 0) failures.push('no payload shows as literal text: the test did not reach the text it means to');
  if (tooltipsWithPayload === 0) failures.push('no tooltip showed a payload: the hover did not reach the formatters');
  if (state.rendered < 5) failures.push(`only ${state.rendered} charts rendered`);
  await page.screenshot({ path: screenshotPath, fullPage: true });
  console.log(`report under injection: ${state.rendered} charts, ${tooltipsWithPayload} tooltips and ${state.literal} ` +
              `text elements showed payloads as text; ${state.ran} ran`);
} finally {
  await browser.close();
}
if (failures.length > 0) {
  for (const failure of failures) console.error(failure);
  process.exit(1);
}
