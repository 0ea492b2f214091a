// Debian's Chromium for the report's browser tests (never a downloaded browser), started as
// this machine needs it: no sandbox (root), headless, and none of its background networking,
// whose connections the closed network refuses.
import { chromium } from 'playwright-core';

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CXM_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
