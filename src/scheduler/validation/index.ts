export * from './ids';
export * from './json-bounds';
