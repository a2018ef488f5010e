export * from "./engine/index.js";
export * from "./engine/language/index.js";
export { builtinModels, loadModelByName, MODELS_DIR } from "./models/catalog.js";
export { renderSvgPlot } from "./plot/svg.js";
