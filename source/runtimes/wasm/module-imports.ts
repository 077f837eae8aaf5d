/** Module.imports() builds a fresh array on every call: read each module's list once. */
const importLists = new WeakMap<WebAssembly.Module, WebAssembly.ModuleImportDescriptor[]>();
export function moduleImports(module: WebAssembly.Module): WebAssembly.ModuleImportDescriptor[] {
  let list = importLists.get(module);
  if (!list) {
    list = WebAssembly.Module.imports(module);
    importLists.set(module, list);
  }
  return list;
}
