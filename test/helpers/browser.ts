import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** The system Chromium (`apt-get install chromium`); playwright-core downloads no browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  browser: Browser;
  /** A page in a fresh context (own cookies), French locale, relative URLs against `baseUrl`. */
  newPage(baseUrl: string): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const contexts: BrowserContext[] = [];
  return {
    browser,
    newPage: async (baseUrl) => {
      const context = await browser.newContext({
        baseURL: baseUrl,
        locale: 'fr-FR',
        viewport: { width: 375, height: 740 },
      });
      contexts.push(context);
      return context.newPage();
    },
    close: async () => {
      await Promise.allSettled(contexts.map((context) => context.close()));
      await browser.close();
    },
  };
}
