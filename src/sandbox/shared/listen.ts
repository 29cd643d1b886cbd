// The emulators serve through the same loopback listener as the gateway.
export { listen, type Listening } from '../../listen';
