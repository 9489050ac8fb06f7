import { x } from 'src/common/x';
console.log(x);
