export { computeCost, type ModelPrice, type TokenUsage } from './compute-cost.js';
export { createPriceBook, type PriceBook } from './price-book.js';
export { PRICE_TABLE, type PriceTable } from './prices.js';
