/** Configuration: the settings keys, their layers and precedence, and editing settings files. */
export {envVariable, OTHER_PSP_VARIABLES} from './env-names.js'
export {applyEnvFile, ENV_FILE, readEnvFile} from './env-file.js'
export type {EnvFile} from './env-file.js'
export {findSettingKey, keyOfVariable, requireSettingKey, settingKeys} from './keys.js'
export type {KeyKind, SettingKey} from './keys.js'
export {
  checkEnvLayer,
  checkFileLayer,
  checkFlagLayer,
  checkLayers,
  crossCheckErrors,
  describeOrigin,
  LAYER_NAMES,
  mergeLayers,
  originOf,
  parseConfigFlag,
  readEnvLayer,
  readFileLayer,
  readFlagLayer,
  resolveLayers,
} from './layers.js'
export type {ConfigOverride, Env, EnvFileInfo, Layer, LayerName, MergedLayers, Origin} from './layers.js'
export {locatePath} from './locate.js'
export type {Position} from './locate.js'
export {USER_FILE_HEADER, userSettingsPath} from './user-file.js'
export {parseConfigValue} from './values.js'
export {renderYamlValue, setYamlValue, unsetYamlValue} from './yaml-edit.js'
export {contextLayers, userFileOf} from './context.js'
export type {ConfigContext} from './context.js'
export {configEntry, effectiveConfig, formatConfigValue, formatOrigin} from './effective.js'
export type {ConfigEntry} from './effective.js'
export {setConfig, unsetConfig} from './edit.js'
export type {ConfigChange, ConfigEditOptions} from './edit.js'
export {validateConfig} from './check.js'
export type {ConfigProblem, ConfigReport} from './check.js'
export {envSample} from './env-sample.js'
