import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { resolveAddress } from '../../source/runtimes/container/address.js';

/**
 * Integration tests need a real engine: DOCKER_HOST, else the default socket (as Nebula
 * itself). When none answers they fail, saying so; they never skip.
 */
export async function requireEngine(): Promise<void> {
  const address = resolveAddress();
  try {
    await new Docker(address.options).ping();
  } catch (error) {
    throw new Error(
      `these tests need a Docker engine and none answers at ${address.url} (from ${address.source === 'default' ? 'the default socket; DOCKER_HOST is not set' : address.source}): ${(error as Error).message}; start one with \`bash scripts/dockerd.sh start\` and export the DOCKER_HOST it prints`,
    );
  }
}

/** A label value unique to this test file's run, put on every container it makes. */
export function testLabel(): { key: string; value: string; labels: Record<string, string> } {
  const value = randomBytes(6).toString('hex');
  return { key: 'nebula.test', value, labels: { 'nebula.test': value } };
}

export function engineClient(): Docker {
  return new Docker(resolveAddress().options);
}

/** Containers (running or not) that carry the label. */
export async function containersLabelled(
  docker: Docker,
  key: string,
  value: string,
): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`${key}=${value}`] } });
}

/** Polls until check() is true or the deadline passes; returns the last value of check(). */
export async function eventually(
  check: () => Promise<boolean>,
  timeoutMs = 15_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A container test's last hook: removes every container that still carries the label, then
 * fails naming them, because a test must leave nothing behind.
 */
export async function removeLeftBehind(label: { key: string; value: string }): Promise<void> {
  const docker = engineClient();
  const left = await containersLabelled(docker, label.key, label.value);
  await Promise.allSettled(
    left.map((info) => docker.getContainer(info.Id).remove({ force: true })),
  );
  assert.deepEqual(
    left.map((info) => `${info.Names.join(',')} ${info.State}`),
    [],
    'containers made by this test were left behind',
  );
}
