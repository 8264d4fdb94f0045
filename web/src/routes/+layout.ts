// A single-page app: nothing renders on a server, nothing is prerendered.
export const ssr = false;
export const prerender = false;
