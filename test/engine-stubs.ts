/** The machine half of the engine contract, for fake engines that only invoke: each says so. */
const unused = (what: string) => async (): Promise<never> => {
  throw new Error(`${what} is not part of this fake engine`);
};

export const invokeOnly = {
  machine: unused('machine()'),
  functionStates: unused('functionStates()'),
  deploy: unused('deploy()'),
  importWasm: unused('importWasm()'),
};
