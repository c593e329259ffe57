// Shared by every layer. Node 20.0–20.3 have no Symbol.asyncDispose; Node itself later defines it
// as Symbol.for('nodejs.asyncDispose'), so installing that same symbol early makes `await using`
// (compiled by TypeScript) and our `[Symbol.asyncDispose]` methods work on every Node 20.
const S = Symbol as unknown as { asyncDispose?: symbol }
S.asyncDispose ??= Symbol.for('nodejs.asyncDispose')
export {}
