export * from './binding.js'
