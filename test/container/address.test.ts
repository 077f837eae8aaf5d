import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AddressError,
  parseAddress,
  resolveAddress,
} from '../../source/runtimes/container/address.js';

describe('Docker engine address', () => {
  it('prefers the profile, then DOCKER_HOST, then the default socket', () => {
    const env = { DOCKER_HOST: 'unix:///from/env.sock' };
    assert.equal(
      resolveAddress('unix:///from/profile.sock', env).options.socketPath,
      '/from/profile.sock',
    );
    assert.equal(resolveAddress('unix:///from/profile.sock', env).source, 'profile');
    assert.equal(resolveAddress(undefined, env).options.socketPath, '/from/env.sock');
    assert.equal(resolveAddress(undefined, {}).options.socketPath, '/var/run/docker.sock');
    assert.equal(resolveAddress(undefined, {}).source, 'default');
  });

  it('reads unix, tcp and ssh addresses, clearing what DOCKER_HOST would add', () => {
    const unix = parseAddress('unix:///tmp/x.sock', 'profile', {}).options;
    assert.equal(unix.socketPath, '/tmp/x.sock');
    assert.ok('host' in unix && unix.host === undefined);

    const tcp = parseAddress('tcp://10.0.0.5:2375', 'profile', {}).options;
    assert.deepEqual([tcp.host, tcp.port, tcp.protocol], ['10.0.0.5', 2375, 'http']);
    assert.ok('socketPath' in tcp && tcp.socketPath === undefined);

    const tls = parseAddress('tcp://docker.example:2376', 'profile', {}).options;
    assert.equal(tls.protocol, 'https');

    const ssh = parseAddress('ssh://pi@raspberry:2222', 'profile', {
      SSH_AUTH_SOCK: '/agent',
    }).options;
    assert.deepEqual(
      [ssh.host, ssh.port, ssh.protocol, ssh.username],
      ['raspberry', 2222, 'ssh', 'pi'],
    );
    assert.equal(ssh.sshOptions?.agent, '/agent');
    assert.equal(parseAddress('ssh://pi@raspberry', 'profile', {}).options.port, 22);
  });

  it('rejects what it cannot use, naming where the address came from and the forms that work', () => {
    assert.throws(
      () => parseAddress('ftp://host', 'profile', {}),
      (error: Error) => {
        assert.ok(error instanceof AddressError);
        assert.match(error.message, /"ftp:\/\/host" \(from the profile's docker.host\)/);
        assert.match(
          error.message,
          /unix:\/\/\/path\/to\/docker.sock, tcp:\/\/host:2375 or ssh:\/\/user@host/,
        );
        return true;
      },
    );
    assert.throws(
      () => parseAddress('unix://relative.sock', 'DOCKER_HOST', {}),
      /from DOCKER_HOST.*absolute path/,
    );
    assert.throws(
      () => parseAddress('not an address', 'DOCKER_HOST', {}),
      /bad Docker engine address/,
    );
  });
});
