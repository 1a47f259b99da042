/* The platform order fixtures (test/fixtures/stores): WooCommerce REST v3 and Shopify REST Admin orders. */
import { readFileSync } from "node:fs";
import path from "node:path";

export const FIXTURES = path.join(__dirname, "..", "fixtures", "stores");

export const fixture = (name: string): Buffer => readFileSync(path.join(FIXTURES, `${name}.json`));

export const fixtureOrder = (name: string): Record<string, unknown> => JSON.parse(fixture(name).toString("utf8")) as Record<string, unknown>;
