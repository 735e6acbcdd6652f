/*
 * The ledger's pages, loaded in one chunk the first time one of them opens: most visits never
 * need them, and the statement check is opened signed out by third parties.
 */
export { default as LedgerPage } from './LedgerPage.svelte';
export { default as ReportPage } from './ReportPage.svelte';
export { default as VerifyPage } from './VerifyPage.svelte';
export { default as AccessDenied } from './AccessDenied.svelte';
