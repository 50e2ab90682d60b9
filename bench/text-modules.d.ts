// The benchmark origins import their SDL as text (esbuild's `text` loader, bench/build.mjs).
declare module "*.graphql" {
  const text: string;
  export default text;
}
