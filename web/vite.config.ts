import { sveltekit } from "@sveltejs/kit/vite";
import { defineConfig } from "vite";

// `npm run dev -w @parley/web`: the app on :5173, the API (npm start) on :4000 behind the same origin.
const api = process.env.PARLEY_API_URL ?? "http://localhost:4000";

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    proxy: {
      "/graphql": { target: api, ws: true, changeOrigin: false },
      "/media": { target: api, changeOrigin: false },
    },
  },
});
