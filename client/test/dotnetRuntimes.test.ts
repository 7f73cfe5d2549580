import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasRequiredRuntime, missingRuntimeMessage, parseRuntimes } from '../src/shared/dotnetRuntimes';

const listing = `Microsoft.AspNetCore.App 8.0.11 [/usr/share/dotnet/shared/Microsoft.AspNetCore.App]
Microsoft.NETCore.App 8.0.11 [/usr/share/dotnet/shared/Microsoft.NETCore.App]
Microsoft.NETCore.App 10.0.12 [/usr/share/dotnet/shared/Microsoft.NETCore.App]
`;

test('parseRuntimes reads `dotnet --list-runtimes`', () => {
  const r = parseRuntimes(listing);
  assert.equal(r.length, 3);
  assert.deepEqual(r[2], { name: 'Microsoft.NETCore.App', version: '10.0.12', major: 10 });
  assert.equal(parseRuntimes('Microsoft.NETCore.App 10.0.0-rc.2.25502.107 [/x]')[0]?.major, 10);
});

test('hasRequiredRuntime needs Microsoft.NETCore.App 10 or later, not ASP.NET alone', () => {
  assert.equal(hasRequiredRuntime(parseRuntimes(listing)), true);
  assert.equal(hasRequiredRuntime(parseRuntimes('Microsoft.NETCore.App 8.0.11 [/x]\nMicrosoft.AspNetCore.App 10.0.1 [/y]')), false);
  assert.equal(hasRequiredRuntime([]), false);
});

test('the missing-runtime message says what was found and what to install', () => {
  const m = missingRuntimeMessage(parseRuntimes('Microsoft.NETCore.App 8.0.11 [/x]'));
  assert.match(m, /needs the \.NET 10 runtime/);
  assert.match(m, /Found \.NET runtime 8\.0\.11/);
  assert.match(m, /attentionLens\.dotnetPath/);
  assert.match(missingRuntimeMessage([]), /No \.NET runtime was found/);
});
