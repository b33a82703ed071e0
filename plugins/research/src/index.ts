/** The research plugin's public entry: oclif finds its commands through package.json#oclif. */
export {default as Research} from './commands/research/index.js'
