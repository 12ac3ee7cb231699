import { used } from '../shared/helpers.ts';

console.log(used());
