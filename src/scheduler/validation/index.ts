export * from './ids';
export * from './json-bounds';
export * from './job-option-names';
export * from './utc-text';
