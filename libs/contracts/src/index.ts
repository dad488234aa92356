export * from './subjects.js';
export * from './headers.js';
export * from './errors.js';
export * from './chat.js';
export * from './validate.js';
export * from './frames.js';
export * from './events.js';
export * from './glob.js';
