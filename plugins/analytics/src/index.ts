/** The analytics plugin's public entry: oclif finds its commands through package.json#oclif. */
export {default as Analytics} from './commands/analytics/index.js'
