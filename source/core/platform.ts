/**
 * The platforms Nebula builds container images for, named as Docker names them, and the
 * architecture suffix of the native binaries built for each (functions/<name>/build/<name>.<arch>).
 */
export const PLATFORMS = ['linux/amd64', 'linux/arm64'] as const;
export type Platform = (typeof PLATFORMS)[number];
export type NativeArch = 'x86_64' | 'aarch64';

export const NATIVE_ARCH: Record<Platform, NativeArch> = {
  'linux/amd64': 'x86_64',
  'linux/arm64': 'aarch64',
};

export class UnsupportedPlatformError extends Error {
  override name = 'UnsupportedPlatformError';
}

const SUPPORTED_TEXT =
  'Nebula runs containers on linux/amd64 (x86_64) and linux/arm64 (aarch64, such as a Raspberry Pi 3, 4 or 5 with the 64-bit Raspberry Pi OS)';

// Other spellings of the same two platforms (uname -m names, Docker's v8 variant, Node's).
const ALIASES: Record<string, Platform> = {
  amd64: 'linux/amd64',
  x86_64: 'linux/amd64',
  x64: 'linux/amd64',
  arm64: 'linux/arm64',
  'arm64/v8': 'linux/arm64',
  aarch64: 'linux/arm64',
};

// 32-bit Arm, the userland of the 32-bit Raspberry Pi OS and of a Pi Zero / 1.
const ARM32 = /^(arm|armhf|armel|armv\d+l?)(\/v\d)?$/;

/**
 * A platform such as "linux/arm64" (also "linux/arm64/v8", "linux/aarch64", "linux/x86_64")
 * as one of PLATFORMS; anything else is an UnsupportedPlatformError that says what is.
 */
export function parsePlatform(text: string): Platform {
  const lower = text.trim().toLowerCase();
  const slash = lower.indexOf('/');
  const os = slash < 0 ? '' : lower.slice(0, slash);
  const arch = slash < 0 ? lower : lower.slice(slash + 1);
  if (os !== 'linux') {
    throw new UnsupportedPlatformError(
      `platform "${text}" is not supported: expected "linux/<architecture>"; ${SUPPORTED_TEXT}`,
    );
  }
  const platform = ALIASES[arch];
  if (platform) return platform;
  if (ARM32.test(arch)) {
    throw new UnsupportedPlatformError(
      `platform "${text}" (32-bit Arm) is not supported: ${SUPPORTED_TEXT}; on a Raspberry Pi, install the 64-bit Raspberry Pi OS`,
    );
  }
  throw new UnsupportedPlatformError(`platform "${text}" is not supported: ${SUPPORTED_TEXT}`);
}

/** The platform of a Docker engine from its version answer (Os "linux", Arch "arm64", ...). */
export function engineNativePlatform(os: string, arch: string): Platform {
  try {
    return parsePlatform(`${os}/${arch}`);
  } catch (error) {
    if (!(error instanceof UnsupportedPlatformError)) throw error;
    throw new UnsupportedPlatformError(
      `the Docker engine runs on ${os}/${arch}, which is not supported: ${SUPPORTED_TEXT}`,
    );
  }
}

/** Docker's architecture name of an image's platform ("amd64", "arm64"), as in its inspect. */
export function dockerArch(platform: Platform): string {
  return platform.slice('linux/'.length);
}

/** The platform of this Node process's own architecture (process.arch), if supported. */
export function nodePlatform(arch: string = process.arch): Platform | null {
  try {
    return parsePlatform(`linux/${arch}`);
  } catch {
    return null;
  }
}
