// Node-side assets imported `with { type: "text" }` (assets.ts): their text.
declare module "*.sh" {
  const text: string;
  export default text;
}
declare module "*.service" {
  const text: string;
  export default text;
}
declare module "*.socket" {
  const text: string;
  export default text;
}
declare module "*.conf" {
  const text: string;
  export default text;
}
declare module "*.env" {
  const text: string;
  export default text;
}
declare module "*.tmpl" {
  const text: string;
  export default text;
}
