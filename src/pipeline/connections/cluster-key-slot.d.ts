// cluster-key-slot (the CRC16 slot function ioredis and node-redis use) ships no types.
declare module 'cluster-key-slot' {
  function calculateSlot(key: string | Buffer): number;
  export default calculateSlot;
}
