import adapter from "@sveltejs/adapter-static";
import { vitePreprocess } from "@sveltejs/vite-plugin-svelte";

/** A single-page app: the Parley process serves build/ and answers unknown paths with index.html. */
export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ fallback: "index.html" }),
    // no prerendering: every page needs the signed-in user, so index.html is only the shell
    prerender: { entries: [] },
  },
};
