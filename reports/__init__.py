"""(filled in as the layer lands)"""
