/** The augment plugin's public entry: oclif finds its commands through package.json#oclif. */
export {default as Augment} from './commands/augment/index.js'
