// Builds the report's renderer as one IIFE (ECharts included, tree-shaken) that `cxm report`
// inlines into a self-contained HTML file: no network at view time.
import { defineConfig } from 'vite';

export default defineConfig({
  // Library mode leaves process.env.NODE_ENV to the bundler of the library's user; here the
  // bundle is the end product and runs in a plain page.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    minify: true,
    lib: {
      entry: 'src/report/main.ts',
      formats: ['iife'],
      name: 'CxmReport',
      fileName: () => 'report.js',
    },
  },
});
