import { bridgeOrderSuite } from './bridge-order';
bridgeOrderSuite('logger-first');
