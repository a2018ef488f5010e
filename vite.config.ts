import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The web app: web/ → dist/web (served by the clinic server). `npm run dev:web` proxies the API to :8080.
export default defineConfig({
  root: "web",
  plugins: [react()],
  build: { outDir: "../dist/web", emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  worker: { format: "es" },
  server: { proxy: { "/api": "http://localhost:8080" } },
});
