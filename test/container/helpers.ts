import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { resolveAddress } from '../../source/runtimes/container/address.js';

/** Integration tests need a real engine; CI starts one with scripts/dockerd.sh. */
export const skipWithoutEngine: string | false = process.env.DOCKER_HOST
  ? false
  : 'DOCKER_HOST is not set; start an engine with `bash scripts/dockerd.sh start` and export what it prints';

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
