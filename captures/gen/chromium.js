// Headless Chromium for the capture generators, through playwright-core.
"use strict";
const { chromium } = require("playwright-core");

function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-quic",
      // Host candidates as addresses, not mDNS names: nothing answers mDNS in the namespace.
      "--disable-features=WebRtcHideLocalIpsWithMdns"],
  });
}

module.exports = { launchChromium };
