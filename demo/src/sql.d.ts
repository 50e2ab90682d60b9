/** SQL migration files are bundled as text (wrangler `[[rules]] type="Text"`, esbuild `.sql` loader). */
declare module "*.sql" {
  const text: string;
  export default text;
}
