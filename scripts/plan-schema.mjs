// Writes plans/plan.schema.json, the plan file format as JSON Schema, from the schema Nebula
// checks plans with (source/measure/plan-file.ts), after `npm run build`. A test fails when
// the committed file and the schema differ.
import { writeFileSync } from 'node:fs';
import { planJsonSchema } from '../dist/source/measure/plan-file.js';

const target = new URL('../plans/plan.schema.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(planJsonSchema(), null, 2)}\n`);
console.log(`plan-schema: wrote ${target.pathname}`);
